pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
    notifications {
        always {
            echo 'done'
        }
    }
}
