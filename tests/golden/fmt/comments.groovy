/*
 * A license header: kept byte for byte.
 *   Indented lines stay as they are.
 */
// A line comment before the pipeline.
pipeline { // trailing the opening brace
    // leading the agent
    agent {
        // label 'old-label'
        label 'new-label'   // trailing a step
    }

    /* a block comment
       over two lines */
    stages {
        stage('one') {
            steps {
                echo 'one' /* inline block */
                sh(script: 'make', // a comment inside an argument list
                   returnStatus: true)
            }
            // a comment before the closing brace
        }
    } // after a closing brace
}
// the end
