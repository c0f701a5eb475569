pipeline {
    agent any
    stages {
        stage('build') {
            when {
                not {
                    branch 'a'
                    branch 'b'
                }
            }
            steps {
                echo 'hi'
            }
        }
    }
}
