pipeline {
    agent any
    post {
        sucess {
            echo 'done'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
