pipeline {
    agent any
    stages {
        stage('strings') {
            steps {
                echo 'single \'quoted\' \\ text'
                echo "double ${env.BUILD_ID} and $BUILD_NUMBER and \$literal"
                sh '''
                    echo "triple single"   
                    ls -la
                '''
                sh """
                    echo ${params.NAME}
                    echo "nested ${"inner ${env.X}"}"
                """
                echo(/slashy ${env.FOO} \/ text/)
                echo($/dollar slashy $$ and $/ here/$)
                echo "line\
continued"
            }
        }
    }
}
